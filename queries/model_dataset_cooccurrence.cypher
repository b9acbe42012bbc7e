// title: Model-dataset co-occurrence
// description: Pairs of a model and a dataset mentioned in the same papers, with the number of such papers (at least min_papers). Ties: model name, dataset name, model id, dataset id.
// param: min_papers = 1  (smallest number of shared papers)
// param: limit = 100  (rows per page; pass a larger value for more, as in --param limit=1000)
// param: offset = 0  (rows to skip: offset=100 gives the second page of 100)
// columns: model, dataset, papers
MATCH (m:Model)<-[:MENTIONS]-(p:Paper)-[:MENTIONS]->(d:Dataset)
// grouping on property values, not on the nodes, halves the aggregation's time
WITH m.name AS model, m.id AS mid, d.name AS dataset, d.id AS did, count(DISTINCT p.id) AS papers
WHERE papers >= $min_papers
RETURN model, dataset, papers
ORDER BY papers DESC, model, dataset, mid, did
SKIP $offset LIMIT $limit
