"""Knowledge base pages (issue 15): the list with search, an article, the editor, its history, the
center's approval queue, shared recordings, and the agent desk's suggestions and direct answer."""
