"""The study loop around the quiz and the grader: what to do next."""
