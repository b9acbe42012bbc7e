// title: Methods used for a task
// description: Methods that papers addressing a task (matched by any alias, case-insensitive) use or propose (ADDRESSES + USES/PROPOSES), ranked by the number of such papers. Ties: method name, task name, method id, task id.
// param: task = ""  (task name or alias; "" means any task)
// param: limit = 100  (rows per page; pass a larger value for more, as in --param limit=1000)
// param: offset = 0  (rows to skip: offset=100 gives the second page of 100)
// columns: method, task_name, papers
MATCH (t:Task)<-[:ADDRESSES]-(p:Paper)-[:USES|:PROPOSES]->(m:Method)
WHERE $task = "" OR list_contains(t.keys, lower($task))
// grouping on property values, not on the nodes, halves the aggregation's time
WITH m.name AS method, m.id AS mid, t.name AS task_name, t.id AS tid, count(DISTINCT p.id) AS papers
RETURN method, task_name, papers
ORDER BY papers DESC, method, task_name, mid, tid
SKIP $offset LIMIT $limit
