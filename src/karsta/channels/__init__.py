"""Channels and queues: the abandon curve, arrivals and handling per interval, repeat
contacts, and staffing with Erlang C and Erlang A, all read from the contacts table."""
