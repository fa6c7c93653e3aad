"""The checks, one module per group of exercises; each ``check_NN(names, context)`` returns
the findings for exercise NN, given the names the learner's file defines."""
