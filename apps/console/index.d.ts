/** The folder of the built console (`vite build`): index.html and assets/. */
export declare const consoleDir: string;
