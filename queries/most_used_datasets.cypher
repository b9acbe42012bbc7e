// title: Most used datasets
// description: Datasets ranked by the number of distinct papers that evaluate on them (EVALUATES_ON), optionally only papers addressing one task (matched by any alias, case-insensitive). Ties: dataset name, then dataset id.
// param: task = ""  (task name or alias; "" means any task)
// param: limit = 100  (rows per page; pass a larger value for more, as in --param limit=1000)
// param: offset = 0  (rows to skip: offset=100 gives the second page of 100)
// columns: dataset, papers
MATCH (p:Paper)-[:EVALUATES_ON]->(d:Dataset)
WHERE $task = "" OR EXISTS {
  MATCH (p)-[:ADDRESSES]->(t:Task)
  WHERE list_contains(t.keys, lower($task))
}
// grouping on property values, not on the nodes, halves the aggregation's time
WITH d.name AS dataset, d.id AS did, count(DISTINCT p.id) AS papers
RETURN dataset, papers
ORDER BY papers DESC, dataset, did
SKIP $offset LIMIT $limit
