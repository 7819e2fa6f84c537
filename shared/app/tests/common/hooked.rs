//! One table decorator for the tests that need the table to misbehave (or to be watched): every
//! operation reaches the embedded table unless the test's hook for it answers instead.

use std::sync::Arc;

use award_embedded::EmbeddedTable;
use award_ports::{Item, Key, Page, Query, Table, TableError, Transaction};

/// What a hook makes of one call: `None` lets it through to the embedded table; `Some` is the
/// answer given instead (the embedded table is not asked).
pub type Answer<T> = Option<Result<T, TableError>>;

/// The calls a [`Hooked::counting`] table saw: `[get, query, transact]`.
pub type Counts = Arc<std::sync::Mutex<[u64; 3]>>;

type Hook<A, T> = Box<dyn Fn(&A) -> Answer<T> + Send + Sync>;

/// The embedded table behind one hook per operation of the `Table` port (`get`, `query`,
/// `transact_items`); each hook lets every call through until a test sets it.
pub struct Hooked {
    inner: Arc<EmbeddedTable>,
    get: Hook<Key, Option<Item>>,
    query: Hook<Query, Page>,
    transact: Hook<Transaction, ()>,
}

impl Hooked {
    /// `inner` with every call let through.
    pub fn over(inner: Arc<EmbeddedTable>) -> Self {
        Self {
            inner,
            get: Box::new(|_| None),
            query: Box::new(|_| None),
            transact: Box::new(|_| None),
        }
    }

    /// `inner` with every call counted, let through: `[get, query, transact]` (one GetItem, one
    /// Query page, one TransactWriteItems each on AWS).
    pub fn counting(inner: Arc<EmbeddedTable>) -> (Self, Counts) {
        let calls = Counts::default();
        let (gets, queries, transactions) = (calls.clone(), calls.clone(), calls.clone());
        let table = Self::over(inner)
            .on_get(move |_| {
                gets.lock().unwrap()[0] += 1;
                None
            })
            .on_query(move |_| {
                queries.lock().unwrap()[1] += 1;
                None
            })
            .on_transact(move |_| {
                transactions.lock().unwrap()[2] += 1;
                None
            });
        (table, calls)
    }

    /// Each `get` (a GetItem on AWS) asks `hook` first.
    pub fn on_get(
        mut self,
        hook: impl Fn(&Key) -> Answer<Option<Item>> + Send + Sync + 'static,
    ) -> Self {
        self.get = Box::new(hook);
        self
    }

    /// Each `query` (one Query page on AWS) asks `hook` first.
    pub fn on_query(
        mut self,
        hook: impl Fn(&Query) -> Answer<Page> + Send + Sync + 'static,
    ) -> Self {
        self.query = Box::new(hook);
        self
    }

    /// Each `transact_items` (one TransactWriteItems on AWS) asks `hook` first.
    pub fn on_transact(
        mut self,
        hook: impl Fn(&Transaction) -> Answer<()> + Send + Sync + 'static,
    ) -> Self {
        self.transact = Box::new(hook);
        self
    }
}

#[async_trait::async_trait]
impl Table for Hooked {
    async fn get(&self, key: &Key) -> Result<Option<Item>, TableError> {
        match (self.get)(key) {
            Some(answer) => answer,
            None => self.inner.get(key).await,
        }
    }

    async fn query(&self, query: &Query) -> Result<Page, TableError> {
        match (self.query)(query) {
            Some(answer) => answer,
            None => self.inner.query(query).await,
        }
    }

    async fn transact_items(&self, transaction: Transaction) -> Result<(), TableError> {
        match (self.transact)(&transaction) {
            Some(answer) => answer,
            None => self.inner.transact_items(transaction).await,
        }
    }
}
