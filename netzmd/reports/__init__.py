"""Reports: pure functions over the store's data and a ``today`` that answer one question about
the network (companies as entry gates, duplicates, …), returned as JSON-ready data that
``present/`` renders. No click, no clock."""
