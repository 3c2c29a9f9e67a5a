"""Where the parallel part of an ingest runs beyond this machine's process pool.

Reading, cleaning, deduplication signatures, features and extraction are pure per article:
an engine runs them on many machines. Linking copies, placing articles in stories and
writing the store stay in the process that called ``ingest``, in input order, so a
cluster gives the same store as one machine.
"""
