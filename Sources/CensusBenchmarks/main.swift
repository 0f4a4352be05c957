print("census")
