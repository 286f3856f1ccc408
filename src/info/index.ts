export {
  BRANCH_VARIABLES,
  BUILD_TIME_VARIABLES,
  type BuildInfo,
  BuildInfoError,
  COMMIT_VARIABLES,
  type ReadBuildInfoOptions,
  readBuildInfo,
} from './build-info.js';
export { infoDocument } from './info.js';
