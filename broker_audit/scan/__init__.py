"""Optional, explicit checks of people-search sites for a listing of the requester.

Nothing here runs unless the user asks for `broker-audit scan` and confirms the list of searches.
`plan` builds the search URLs from the registry's rules, `fetch` sends them politely, `parse`
reads the answer. The rules (URL templates, selectors, markers) live in `brokers.toml`.
"""
