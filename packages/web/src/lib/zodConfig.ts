import { config } from 'zod';

// The server's Content-Security-Policy forbids eval. Zod probes for it (`Function('')`) before its
// first parse to decide whether to compile fast parsers; the browser reports that probe as a CSP
// violation. Tell zod up front to parse without compiled code.
config({ jitless: true });
