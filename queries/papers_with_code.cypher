// title: Papers with code
// description: Papers linked to a code, model, dataset or project repository (HAS_CODE), optionally on one host (e.g. github.com, case-insensitive). Ties: url.
// param: code_host = ""  (repository host such as github.com or huggingface.co; "" means any host)
// columns: paper, title, url, host, kind
// HAS_CODE relations plus the papers listed on each Repository (the RDF face links both).
MATCH (p:Paper)-[:HAS_CODE]->(r:Repository)
WHERE $code_host = "" OR lower(r.host) = lower($code_host)
RETURN p.id AS paper, coalesce(p.title, "") AS title, r.url AS url, r.host AS host, r.kind AS kind
UNION
MATCH (r:Repository)
WHERE $code_host = "" OR lower(r.host) = lower($code_host)
UNWIND r.papers AS pid
MATCH (p:Paper {id: pid})
RETURN p.id AS paper, coalesce(p.title, "") AS title, r.url AS url, r.host AS host, r.kind AS kind
