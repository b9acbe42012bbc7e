// title: Evidence for a statement
// description: Which papers support a statement (source, relation type, target; names match any alias, the id, a paper title or a repository URL, case-insensitive): one row per evidence span with the sentence, its offsets, the extractor and its confidence. Ties: paper id, begin, end, extractor, statement id.
// param: source = ""  (source name, alias or id; "" means any)
// param: relation = ""  (relation type such as EVALUATES_ON or PROPOSES; "" means any)
// param: target = "ImageNet"  (target name, alias or id; "" means any)
// columns: subject, predicate, object, paper, field, begin, end, sentence, extractor, confidence
// the target is found first (WITH o), so only its incoming relationships are expanded
MATCH (o)
WHERE $target = "" OR lower(o.id) = lower($target) OR lower(o.name) = lower($target)
       OR lower(o.title) = lower($target) OR lower(o.url) = lower($target)
       OR list_contains(list_transform(o.aliases, a -> lower(a)), lower($target))
WITH o
MATCH (s)-[st]->(o)
WHERE st.id IS NOT NULL
  AND ($relation = "" OR lower(label(st)) = lower($relation))
  AND ($source = "" OR lower(s.id) = lower($source) OR lower(s.name) = lower($source)
       OR lower(s.title) = lower($source) OR lower(s.url) = lower($source)
       OR list_contains(list_transform(s.aliases, a -> lower(a)), lower($source)))
UNWIND st.evidence AS ev
RETURN coalesce(s.name, s.title, s.url) AS subject, label(st) AS predicate, coalesce(o.name, o.title, o.url) AS object,
       ev.paper AS paper, ev.field AS field, ev.start_offset AS `begin`, ev.end_offset AS `end`, ev.sentence AS sentence,
       ev.extractor AS extractor, ev.confidence AS confidence
