// title: Methods used for a task
// description: Methods that papers addressing a task (matched by any alias, case-insensitive) use or propose (ADDRESSES + USES/PROPOSES), ranked by the number of such papers. Ties: method name, task name, method id, task id.
// param: task = ""  (task name or alias; "" means any task)
// columns: method, task_name, papers
MATCH (t:Task)<-[:ADDRESSES]-(p:Paper)-[:USES|:PROPOSES]->(m:Method)
WHERE $task = "" OR list_contains(t.keys, lower($task))
WITH m, t, count(DISTINCT p) AS papers
RETURN m.name AS method, t.name AS task_name, papers
ORDER BY papers DESC, method, task_name, m.id, t.id
