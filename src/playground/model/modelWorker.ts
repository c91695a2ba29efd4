/** A module Web Worker of the models page (src/playground/model/workerPool.ts): answers workerProtocol's requests. */
import { answer, type WorkerRequest } from './workerProtocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
scope.onmessage = (ev: MessageEvent<WorkerRequest>) =>
  answer(ev.data, (reply, transfer) => scope.postMessage(reply, transfer ?? []));
