// The light build of bottleneck (no Redis clustering code), which @octokit/plugin-throttling
// uses for its own limiters; the same API as the full build.
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck';
  export default Bottleneck;
}
