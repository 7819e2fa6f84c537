//! The API's ONE route table: method, path pattern, who may call (public, or the roles allowed),
//! the SAM event name, and the handler, made of each stage's own slice (`stages/<stage>/routes.rs`);
//! one Lambda function ([`API_FUNCTION`]) serves them all. The dispatcher
//! ([`crate::http`]), the local runner's authorizer (which routes need no token) and the SAM
//! template's `HttpApi` events all follow it; a test fails when the template disagrees.
//!
//! Roles are checked here before the body is read (403 with nothing done); the use cases and the
//! domain check again what depends on the record (the owner, the chosen unit, the stage).

use crate::api::percent_decode;
use crate::stages::{
    aftercare, applications, archive, board, cycles, decision, register, reviews, screening, units,
};

pub use crate::api::{API_FUNCTION, Access, Call, RouteSpec};
/// Every route of the API: the stages' slices, one after the other. No two routes tie on a path
/// (a test below), so the order of the slices changes no match.
pub static TABLE: &[&[RouteSpec]] = &[
    cycles::ROUTES,
    register::ROUTES,
    units::ROUTES,
    applications::ROUTES,
    screening::ROUTES,
    reviews::ROUTES,
    decision::ROUTES,
    aftercare::ROUTES,
    board::ROUTES,
    archive::ROUTES,
    crate::http::openapi::ROUTES,
];

/// Every route of the API, in table order.
pub fn routes() -> impl Iterator<Item = &'static RouteSpec> {
    TABLE.iter().flat_map(|slice| slice.iter())
}

/// How a path matched the table.
pub enum Matched<'r> {
    Route(&'r RouteSpec, Vec<String>),
    /// The path exists, but not with this method.
    WrongMethod,
    NotFound,
}

/// The route for `method` and `path` (without a stage prefix). Of several patterns that match,
/// the one with the most literal segments wins, as in API Gateway (`/cycles/open` before
/// `/cycles/{id}`).
pub fn find(method: &str, path: &str) -> Matched<'static> {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let mut best: Option<(&RouteSpec, Vec<String>, usize)> = None;
    let mut path_exists = false;
    for route in routes() {
        let pattern: Vec<&str> = route.path.split('/').filter(|s| !s.is_empty()).collect();
        if pattern.len() != segments.len() {
            continue;
        }
        let mut params = Vec::new();
        let mut literals = 0;
        let fits = pattern.iter().zip(&segments).all(|(want, got)| {
            if want.starts_with('{') {
                params.push(percent_decode(got));
                true
            } else {
                literals += 1;
                want == got
            }
        });
        if !fits {
            continue;
        }
        path_exists = true;
        if route.method == method && best.as_ref().is_none_or(|(_, _, most)| literals > *most) {
            best = Some((route, params, literals));
        }
    }
    match best {
        Some((route, params, _)) => Matched::Route(route, params),
        None if path_exists => Matched::WrongMethod,
        None => Matched::NotFound,
    }
}

/// Whether `method path` needs no token (the local runner's authorizer asks).
pub fn is_public(method: &str, path: &str) -> bool {
    matches!(find(method, path), Matched::Route(route, _) if route.access == Access::Public)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn the_most_literal_pattern_wins_and_methods_are_told_apart() {
        assert!(
            matches!(find("GET", "/cycles/open"), Matched::Route(r, _) if r.name == "GetOpenCycle")
        );
        assert!(
            matches!(find("GET", "/cycles/2026"), Matched::Route(r, p) if r.name == "GetCycle" && p == ["2026"])
        );
        assert!(
            matches!(find("DELETE", "/cycles/2026"), Matched::Route(r, _) if r.name == "CancelCycle")
        );
        assert!(matches!(
            find("PATCH", "/cycles/2026"),
            Matched::WrongMethod
        ));
        assert!(matches!(find("GET", "/nothing"), Matched::NotFound));
        assert!(is_public("GET", "/cycles/open"));
        assert!(!is_public("GET", "/cycles/2026"));
        assert!(!is_public("POST", "/cycles/open"));
    }

    /// Two routes of one method whose patterns match one path with as many literal segments
    /// would be told apart by their order alone; there are none, so the order in which the
    /// stages' slices are joined cannot change which route a request reaches.
    #[test]
    fn no_two_routes_tie() {
        let segments = |path: &'static str| {
            path.split('/')
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
        };
        let literal = |segment: &str| !segment.starts_with('{');
        let all: Vec<_> = routes().collect();
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                let (sa, sb) = (segments(a.path), segments(b.path));
                let overlap = a.method == b.method
                    && sa.len() == sb.len()
                    && sa
                        .iter()
                        .zip(&sb)
                        .all(|(x, y)| x == y || !literal(x) || !literal(y));
                let same_weight = sa.iter().filter(|s| literal(s)).count()
                    == sb.iter().filter(|s| literal(s)).count();
                assert!(!(overlap && same_weight), "{a:?} and {b:?} tie");
            }
        }
    }

    #[test]
    fn names_and_method_paths_are_unique() {
        let names: BTreeSet<_> = routes().map(|r| r.name).collect();
        let pairs: BTreeSet<_> = routes().map(|r| (r.method, r.path)).collect();
        assert_eq!(names.len(), routes().count());
        assert_eq!(pairs.len(), routes().count());
    }

    /// The `HttpApi` events of the API function in `infra/template.yaml`:
    /// `(name, method, path, public)`.
    fn template_events() -> BTreeSet<(String, String, String, bool)> {
        let template = include_str!("../../../infra/template.yaml");
        let mut events = BTreeSet::new();
        let mut resource = "";
        let mut event = "";
        for line in template.lines() {
            let indent = line.len() - line.trim_start().len();
            let trimmed = line.trim();
            if indent == 2 && trimmed.ends_with(':') && !trimmed.starts_with('#') {
                resource = trimmed.trim_end_matches(':');
            } else if indent == 8 && trimmed.ends_with(':') {
                event = trimmed.trim_end_matches(':');
            }
            if resource != API_FUNCTION || !trimmed.starts_with("Properties: { ApiId: !Ref HttpApi")
            {
                continue;
            }
            let field = |name: &str| {
                let rest = trimmed
                    .split(&format!("{name}: "))
                    .nth(1)
                    .unwrap_or_default();
                match rest.strip_prefix('"') {
                    Some(quoted) => quoted.split('"').next().unwrap_or_default().to_owned(),
                    None => rest
                        .split([',', '}'])
                        .next()
                        .unwrap_or_default()
                        .trim()
                        .to_owned(),
                }
            };
            events.insert((
                event.to_owned(),
                field("Method"),
                field("Path"),
                trimmed.contains("Authorizer: NONE"),
            ));
        }
        events
    }

    #[test]
    fn the_sam_template_routes_are_the_route_table() {
        let table: BTreeSet<_> = routes()
            .map(|r| {
                (
                    r.name.to_owned(),
                    r.method.to_owned(),
                    r.path.to_owned(),
                    r.access == Access::Public,
                )
            })
            .collect();
        let template = template_events();
        let missing: Vec<_> = table.difference(&template).collect();
        let extra: Vec<_> = template.difference(&table).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "infra/template.yaml disagrees with the route table:\n  not in the template: {missing:?}\n  not in the table: {extra:?}"
        );
    }
}
