import assert from "node:assert/strict";
import { App } from "vial";
import { TestClient } from "vial/testing";

const processed: number[] = [];
async function processHeavyTask(id: number) {
  processed.push(id);
}

const app = new App();

// The seed's FastAPI BackgroundTasks example: the task runs after the response is sent.
app.post("/process/", ({ background }) => {
  background.add(processHeavyTask, 42);
  return { message: "Processing started" };
});

const client = new TestClient(app);
assert.deepEqual((await client.post("/process/")).json(), { message: "Processing started" });
assert.deepEqual(processed, [42]); // the test client returns once background work is done
