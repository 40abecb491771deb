// Our server as it ships: createApp with the configuration from the environment.
import { createApp } from "../../server/create-app";

const app = createApp();
app.get("/", (_req, res) => {
  res.send("ok");
});
app.listen(Number(process.env.PORT), "127.0.0.1");
