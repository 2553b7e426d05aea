"""The Usage view: what the requests of every tab cost, from the local records and the
gateway's own transactions."""
