// title: Papers with code
// description: Papers linked to a code, model, dataset or project repository (HAS_CODE), optionally on one host (e.g. github.com, case-insensitive). Ties: url.
// param: code_host = ""  (repository host such as github.com or huggingface.co; "" means any host)
// param: limit = 100  (rows per page; pass a larger value for more, as in --param limit=1000)
// param: offset = 0  (rows to skip: offset=100 gives the second page of 100)
// columns: paper, title, url, host, kind
// AGG_PAPER_CODE holds every (paper, repository) pair of HAS_CODE or of the repository's paper list (the RDF face
// links both), ranked in (paper id, URL) order when the store is loaded (kg/cypher/aggregates.py): a page is a top-k
// on that integer instead of collecting and sorting every pair (190 ms on the 100k-paper graph)
MATCH (p:Paper)-[c:AGG_PAPER_CODE]->(r:Repository)
WHERE $code_host = "" OR lower(r.host) = lower($code_host)
RETURN p.id AS paper, coalesce(p.title, "") AS title, r.url AS url, r.host AS host, r.kind AS kind
ORDER BY c.rank
SKIP $offset LIMIT $limit
