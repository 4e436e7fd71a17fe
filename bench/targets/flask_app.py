"""The four workloads on Flask, which has no validation of its own: checked by hand,
answering 422 in FastAPI's shape like the other targets."""

import re

from flask import Flask, jsonify, request

EMAIL = re.compile(r"^[^\s@]+@[^\s@]+\.[^\s@]+$")
INTEGER = re.compile(r"^[+-]?\d+$")
TRUE = {"true", "1", "yes", "on", "t", "y"}
FALSE = {"false", "0", "no", "off", "f", "n"}

app = Flask(__name__)


def invalid(errors):
    return jsonify(detail=errors), 422


@app.get("/json")
def hello():
    return jsonify(message="Hello, World!")


@app.get("/users/<id>")
def read_user(id):
    errors = []
    if not INTEGER.match(id):
        errors.append({"type": "int_parsing", "loc": ["path", "id"],
                       "msg": "Input should be a valid integer", "input": id})
    raw = request.args.get("verbose", "false")
    if raw.lower() not in TRUE | FALSE:
        errors.append({"type": "bool_parsing", "loc": ["query", "verbose"],
                       "msg": "Input should be a valid boolean", "input": raw})
    if errors:
        return invalid(errors)
    return jsonify(id=int(id), verbose=raw.lower() in TRUE)


def user_errors(user):
    if not isinstance(user, dict):
        return [{"type": "model_attributes_type", "loc": ["body"],
                 "msg": "Input should be a valid dictionary"}]
    errors = []
    username, email, age = user.get("username"), user.get("email"), user.get("age")
    if not isinstance(username, str) or len(username) < 3:
        errors.append({"type": "string_too_short", "loc": ["body", "username"],
                       "msg": "String should have at least 3 characters", "input": username})
    if not isinstance(email, str) or not EMAIL.match(email):
        errors.append({"type": "value_error", "loc": ["body", "email"],
                       "msg": "value is not a valid email address", "input": email})
    if not isinstance(age, int) or isinstance(age, bool):
        errors.append({"type": "int_type", "loc": ["body", "age"],
                       "msg": "Input should be a valid integer", "input": age})
    elif age < 0:
        errors.append({"type": "greater_than_equal", "loc": ["body", "age"],
                       "msg": "Input should be greater than or equal to 0", "input": age})
    return errors


@app.post("/users/")
def create_user():
    user = request.get_json(silent=True)
    errors = user_errors(user)
    if errors:
        return invalid(errors)
    return jsonify(username=user["username"], email=user["email"], age=user["age"]), 201
