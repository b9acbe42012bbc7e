"""The exceptions ``kg`` raises. Catch :class:`KGError` for all of them."""


class KGError(Exception):
    """Base class of every error ``kg`` raises on purpose."""


class InputError(KGError):
    """An input path or record cannot be read (names the file, line and reason)."""


class FormatError(InputError):
    """The format of an input cannot be detected or is not one ``kg`` reads."""


class BuildError(KGError):
    """A build cannot start or finish (output not writable, directory locked, ...)."""


class BuildLockedError(BuildError):
    """Another build holds the lock on the build directory."""


class BuildDirError(KGError):
    """A path is not a readable build directory."""


class QueryError(KGError):
    """A query is malformed, refused (writes, SERVICE, file access) or timed out."""


class QueryRefusedError(QueryError):
    """A query would write, load or reach outside the graph and was refused."""


class QueryTimeoutError(QueryError):
    """A query ran longer than its time limit."""


class StoreError(KGError):
    """A store (RDF, Cypher, Neo4j) could not be written or read."""
