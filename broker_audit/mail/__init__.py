"""Email out (SMTP) and in (IMAP): connections, parsing, matching replies to requests, suggestions.

Nothing here runs unless the user runs `send` or `inbox`. Nothing here writes a file: messages are
built, read and parsed in memory. Errors name the server, never the user's data.
"""
