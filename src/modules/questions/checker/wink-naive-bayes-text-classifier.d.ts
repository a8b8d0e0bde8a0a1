// The part of wink-naive-bayes-text-classifier's API the topic reader uses (the package ships no types).
declare module 'wink-naive-bayes-text-classifier' {
  interface NaiveBayes {
    definePrepTasks(tasks: Array<(input: string[]) => string[]>): number
    defineConfig(config: { considerOnlyPresence?: boolean; smoothingFactor?: number }): boolean
    learn(input: string[], label: string): boolean
    consolidate(): boolean
    /** [label, log2 odds], most likely first. */
    computeOdds(input: string[]): Array<[string, number]>
    predict(input: string[]): string
  }
  const naiveBayes: () => NaiveBayes
  export default naiveBayes
}
