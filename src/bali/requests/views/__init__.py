"""Request pages: the public list and timeline, the country's desk, the queues of offices,
divisions and partners, and HQ's overview. Thin: parse, call one service, render."""
