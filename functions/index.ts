// The app's entry (package.json "main"): importing this module registers every function of
// the app with the Functions host. Each module registers its own triggers.
import './orchestrators';
import './activities';
import './schedule';
import './api';
