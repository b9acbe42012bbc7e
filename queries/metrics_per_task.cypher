// title: Metrics used per task
// description: Metrics reported (REPORTS) by papers addressing each task (ADDRESSES), with the number of such papers; optionally one task (matched by any alias, case-insensitive). Ties: metric name, task id, metric id.
// param: task = ""  (task name or alias; "" means every task)
// param: limit = 100  (rows per page; pass a larger value for more, as in --param limit=1000)
// param: offset = 0  (rows to skip: offset=100 gives the second page of 100)
// columns: task_name, metric, papers
// AGG_METRIC_TASK holds, per (metric, task), the distinct papers that address the task and report the metric,
// computed when the store is loaded (kg/cypher/aggregates.py)
MATCH (me:Metric)-[a:AGG_METRIC_TASK]->(t:Task)
WHERE $task = "" OR list_contains(t.keys, lower($task))
RETURN t.name AS task_name, me.name AS metric, a.papers AS papers
ORDER BY task_name, papers DESC, metric, t.id, me.id
SKIP $offset LIMIT $limit
