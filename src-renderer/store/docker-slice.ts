/**
 * Docker slice: the last `docker.info` answer (engine status, runtimes, images, warm pool), shared by
 * the New session dialog and Settings → Docker. Loaded on demand, not on connect.
 */
import type { StateCreator } from 'zustand';
import type { DockerInfoDto } from '../../src-shared/docker.js';

/** State and actions of the Docker slice. */
export interface DockerSlice {
  dockerInfo: DockerInfoDto | null;
  setDockerInfo(info: DockerInfoDto): void;
}

export const createDockerSlice: StateCreator<DockerSlice, [], [], DockerSlice> = (set) => ({
  dockerInfo: null,
  setDockerInfo: (dockerInfo) => set({ dockerInfo }),
});
