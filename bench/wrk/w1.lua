-- W1: POST one associate (validation, number assignment and change-log entry included).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"name": "Bench Ny AS", "city": "Oslo", "creditLimit": 1500.00}'
