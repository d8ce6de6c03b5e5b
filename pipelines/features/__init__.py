"""What the model families see: the form of a clause's opening (``opening``) and its place in
the document (``context``)."""
