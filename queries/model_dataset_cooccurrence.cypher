// title: Model-dataset co-occurrence
// description: Pairs of a model and a dataset mentioned in the same papers, with the number of such papers (at least min_papers). Ties: model name, dataset name, model id, dataset id.
// param: min_papers = 1  (smallest number of shared papers)
// param: limit = 100  (rows per page; pass a larger value for more, as in --param limit=1000)
// param: offset = 0  (rows to skip: offset=100 gives the second page of 100)
// columns: model, dataset, papers
// AGG_MODEL_DATASET holds, per (model, dataset), the distinct papers mentioning both, computed when the store is
// loaded (kg/cypher/aggregates.py)
MATCH (m:Model)-[a:AGG_MODEL_DATASET]->(d:Dataset)
WHERE a.papers >= $min_papers
RETURN m.name AS model, d.name AS dataset, a.papers AS papers
ORDER BY papers DESC, model, dataset, m.id, d.id
SKIP $offset LIMIT $limit
