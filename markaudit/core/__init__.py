"""What every stage shares: the types that flow through an audit, its errors, its limits, and
the files it writes (atomically) and keeps (sealed cache files). It imports no other part of
markaudit, so any stage may import it."""
