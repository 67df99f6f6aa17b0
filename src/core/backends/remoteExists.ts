// Whether a server-side thread still exists, read from a retrieve call: a 404 is the answer
// "no", every other failure is a question nobody answered and propagates.
import { openai } from './sdk';

export async function existsUnlessNotFound(retrieve: () => Promise<unknown>): Promise<boolean> {
  try {
    await retrieve();
    return true;
  } catch (err) {
    if (err instanceof openai().NotFoundError) return false;
    throw err;
  }
}
