// title: Papers with code
// description: Papers linked to a code, model, dataset or project repository (HAS_CODE), optionally on one host (e.g. github.com, case-insensitive). Ties: url.
// param: code_host = ""  (repository host such as github.com or huggingface.co; "" means any host)
// param: limit = 100  (rows per page; pass a larger value for more, as in --param limit=1000)
// param: offset = 0  (rows to skip: offset=100 gives the second page of 100)
// columns: paper, title, url, host, kind
// HAS_CODE relations plus the papers listed on each Repository (the RDF face links both), one row per pair.
MATCH (r:Repository)
WHERE $code_host = "" OR lower(r.host) = lower($code_host)
OPTIONAL MATCH (q:Paper)-[:HAS_CODE]->(r)
WITH r, list_distinct(collect(q.id) + r.papers) AS pids
UNWIND pids AS pid
MATCH (p:Paper {id: pid})
RETURN p.id AS paper, coalesce(p.title, "") AS title, r.url AS url, r.host AS host, r.kind AS kind
ORDER BY paper, url
SKIP $offset LIMIT $limit
