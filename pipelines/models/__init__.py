"""Model families behind one protocol (see ``base.ClauseModel``)."""
