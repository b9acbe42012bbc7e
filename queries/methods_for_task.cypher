// title: Methods used for a task
// description: Methods that papers addressing a task (matched by any alias, case-insensitive) use or propose (ADDRESSES + USES/PROPOSES), ranked by the number of such papers. Ties: method name, task name, method id, task id.
// param: task = ""  (task name or alias; "" means any task)
// param: limit = 100  (rows per page; pass a larger value for more, as in --param limit=1000)
// param: offset = 0  (rows to skip: offset=100 gives the second page of 100)
// columns: method, task_name, papers
// AGG_METHOD_TASK holds, per (method, task), the distinct papers that address the task and use or propose the
// method, computed when the store is loaded (kg/cypher/aggregates.py): counting them here took 150-200 ms on the
// 100k-paper graph
MATCH (m:Method)-[a:AGG_METHOD_TASK]->(t:Task)
WHERE $task = "" OR list_contains(t.keys, lower($task))
RETURN m.name AS method, t.name AS task_name, a.papers AS papers
ORDER BY papers DESC, method, task_name, m.id, t.id
SKIP $offset LIMIT $limit
