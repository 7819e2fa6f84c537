//! The ports' contract suites, run against the AWS adapters on moto's server.

mod common;

use std::sync::Arc;

use award_ports::contract::{self, CONTRACT_MAIL_FROM};
use chrono::Utc;
use common::{HttpPresignedClient, Moto, unique_name};

#[tokio::test(flavor = "multi_thread")]
async fn dynamo_table_meets_the_table_contract() {
    let moto = Moto::connect().await;
    let (table, _) = moto.table().await;
    contract::table_contract(Arc::new(table), &unique_name("contract")).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn s3_blobs_meet_the_blobs_contract() {
    let moto = Moto::connect().await;
    let (blobs, _) = moto.bucket().await;
    let prefix = format!("contract/{}", unique_name("run"));
    contract::blobs_contract(&blobs, &HttpPresignedClient::new(), &prefix, Utc::now()).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn ses_mail_meets_the_mail_contract() {
    let moto = Moto::connect().await;
    award_aws::verify_sender(&moto.ses, CONTRACT_MAIL_FROM)
        .await
        .expect("verify the contract sender on moto");
    contract::mail_contract(&award_aws::SesMail::new(moto.ses.clone())).await;
}
