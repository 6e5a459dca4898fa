// What the recipes call "your routes": the app's own pages, whatever router it uses.
export const Routes = () => <main>Your routes</main>
