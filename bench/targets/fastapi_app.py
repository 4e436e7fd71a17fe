"""The four workloads on FastAPI, as its tutorial writes them.

Runs on the current release (pydantic v2) and on Debian's older packaged one (pydantic v1).
The email is checked with a pattern, since pydantic's EmailStr needs an extra package.
"""

import pydantic
from fastapi import FastAPI
from pydantic import BaseModel, Field

EMAIL = r"^[^\s@]+@[^\s@]+\.[^\s@]+$"
PYDANTIC_V2 = pydantic.VERSION.startswith("2")


class User(BaseModel):
    username: str = Field(min_length=3)
    email: str = Field(pattern=EMAIL) if PYDANTIC_V2 else Field(regex=EMAIL)
    age: int = Field(ge=0)


app = FastAPI()


@app.get("/json")
async def hello():
    return {"message": "Hello, World!"}


@app.get("/users/{id}")
async def read_user(id: int, verbose: bool = False):
    return {"id": id, "verbose": verbose}


@app.post("/users/", status_code=201)
async def create_user(user: User) -> User:
    return user
