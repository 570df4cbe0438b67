print("klaxon-escalator: not yet")
