/**
 * Which ports a declaration's containers probably listen on, to pre-fill a tunnel. Containers on COS share
 * the VM's network and declarations have no `ports`, so we read the usual hints: `PORT`-like env values and
 * port flags or `host:port` in command and args. A guess, offered for the user to accept or change.
 */
import type { Declaration } from './model';

const portFlags = new Set(['-p', '--port', '-port', '--http-port', '--listen-port']);

function asPort(text: string | null | undefined): number | undefined {
  if (!text || !/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port >= 1 && port <= 65_535 ? port : undefined;
}

export function guessServicePorts(declaration: Declaration): number[] {
  const ports: number[] = [];
  const add = (port: number | undefined) => port !== undefined && !ports.includes(port) && ports.push(port);
  for (const container of declaration.spec?.containers ?? []) {
    for (const variable of container.env ?? []) if (/(^|_)PORT$/i.test(variable.name ?? '')) add(asPort(variable.value));
    const words = [...(container.command ?? []), ...(container.args ?? [])];
    words.forEach((word, index) => {
      if (portFlags.has(word)) add(asPort(words[index + 1]));
      const inline = /^(?:--?[\w-]*port|--listen|--bind|--addr(?:ess)?)=(?:[\w.-]*:)?(\d+)$/i.exec(word) ?? /^(?:\d{1,3}(?:\.\d{1,3}){3}|localhost|\[::\])?:(\d{2,5})$/.exec(word);
      if (inline) add(asPort(inline[1]));
    });
  }
  return ports;
}
