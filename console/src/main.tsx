// The staff console's entry point (built by Vite into /staff/assets/).
import { render } from 'preact';
import './styles/staff.css';
import { App } from './app.js';

render(<App />, document.getElementById('root')!);
