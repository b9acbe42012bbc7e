// title: Results leaderboard
// description: Reported results (model on dataset, metric = value) for a dataset and a metric (each matched by any alias, case-insensitive), best value first. Only results naming a model, a dataset, a metric and a numeric value. Ties: model name, paper id, result id.
// param: dataset = ""  (dataset name or alias; "" means any dataset)
// param: metric = ""  (metric name or alias; "" means any metric)
// param: limit = 100  (rows per page; pass a larger value for more, as in --param limit=1000)
// param: offset = 0  (rows to skip: offset=100 gives the second page of 100)
// columns: model, dataset_name, metric_name, value, unit, paper
// AGG_LEADERBOARD holds the rows of this query (results with a model, a dataset, a metric and a value), their names
// and lookup keys copied on, ranked in its order when the store is loaded (kg/cypher/aggregates.py): a page is a
// top-k on that integer instead of joining and sorting every result by three names (190-260 ms on the 100k graph)
MATCH (r:Result)-[b:AGG_LEADERBOARD]->(d:Dataset)
WHERE ($dataset = "" OR list_contains(b.dataset_keys, lower($dataset)))
  AND ($metric = "" OR list_contains(b.metric_keys, lower($metric)))
RETURN b.model AS model, b.dataset_name AS dataset_name, b.metric_name AS metric_name, b.value AS value,
       CASE WHEN b.unit = "" THEN NULL ELSE b.unit END AS unit, b.paper AS paper
ORDER BY b.rank
SKIP $offset LIMIT $limit
