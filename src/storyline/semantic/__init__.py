"""Meaning, below the stages that compare it: sentence vectors behind one interface
(``vectors.Encoder``), the static model of the default install (``static.py``), the
sentence-transformers tier of the ``storyline[embeddings]`` extra (``transformer.py``), and
the one place a model is chosen by name (``load.py``)."""
