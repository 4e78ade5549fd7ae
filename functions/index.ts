// The app's entry (package.json "main"): importing this module registers every function of
// the app with the Functions host. Each module below registers its own triggers.
import { app } from '@azure/functions';

app.setup({ enableHttpStream: false });
