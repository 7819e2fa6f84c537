//! The cold-start bench's table: the demo's whole played cycle (`award-local demo`: ten
//! enterprises from the call to the announcement and aftercare), copied into the moto table the
//! functions read, so their scheduled runs and reads meet a table of a real cycle's size rather
//! than an empty one.

use std::collections::BTreeMap;

use award_ports::{Condition, Item, Table, Write};

type BenchError = Box<dyn std::error::Error + Send + Sync>;

/// DynamoDB's largest `TransactWriteItems`.
const PER_TRANSACTION: usize = 100;

/// Plays the demo into a temporary data folder (the embedded backend), then puts every item it
/// left into `table`. Returns the number of items.
pub async fn demo_into(table: &dyn Table) -> Result<usize, BenchError> {
    let folder = tempfile::tempdir()?;
    let data = folder.path().join("demo");
    award_local::demo::play(award_local::LocalConfig::new(&data), |_| {}).await?;
    let items = final_items(&award_local::DataDir::open(&data)?.table_file())?;
    let count = items.len();
    let mut items = items.into_iter();
    loop {
        let writes: Vec<Write> = items
            .by_ref()
            .take(PER_TRANSACTION)
            .map(|item| Write::Put {
                item,
                condition: Condition::None,
            })
            .collect();
        if writes.is_empty() {
            break;
        }
        table.transact(writes).await?;
    }
    Ok(count)
}

/// What the table holds after every change of its feed: the last image of each key, removed
/// keys left out (the embedded table keeps its whole feed).
fn final_items(file: &std::path::Path) -> Result<Vec<Item>, BenchError> {
    let table = award_embedded::EmbeddedTable::open(file)?;
    let mut items: BTreeMap<(String, String), Option<Item>> = BTreeMap::new();
    let mut after = 0;
    loop {
        let page = table.changes_after(after, 1000)?;
        let Some((last, _)) = page.last() else {
            break;
        };
        after = *last;
        for (_, change) in page {
            items.insert((change.key.pk, change.key.sk), change.new_image);
        }
    }
    Ok(items.into_values().flatten().collect())
}
