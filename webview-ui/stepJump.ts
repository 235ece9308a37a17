import { readStepNumber } from '../src/shared/stepNumber';
import { announce, button, el } from './dom';

/**
 * "Go to step": a field for a step number and its Go button, in the header of a long session's
 * timeline. A number the session does not have is refused under the field (read out), and nothing moves.
 */
export class StepJump {
  readonly box = el('div', 'goto');
  private readonly field = document.createElement('vscode-textfield');
  private readonly message = el('div', 'goto-message tone-error');

  constructor(
    /** How many steps the session has (undefined: not known). */
    private readonly steps: () => number | undefined,
    private readonly go: (step: number) => void,
  ) {
    this.field.className = 'goto-step';
    this.field.placeholder = 'Go to step…';
    this.field.setAttribute('inputmode', 'numeric');
    this.field.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') this.submit();
      else if (ev.key === 'Escape' && this.message.textContent) this.clear();
    });
    this.field.addEventListener('input', () => this.field.invalid && this.clear());
    const row = el('div', 'goto-row');
    row.append(this.field, button('Go', 'arrow-right', () => this.submit(), { secondary: true, title: 'Go to the step typed' }));
    this.message.setAttribute('role', 'alert');
    this.message.hidden = true;
    this.box.append(row, this.message);
    this.relabel();
  }

  /** The field's name for screen readers and its hover text say the steps there are (the count grows as the session runs). */
  relabel(): void {
    const n = this.steps();
    const label = n ? `Go to step (1 to ${n.toLocaleString('en-US')})` : 'Go to step';
    if (this.field.label !== label) this.field.label = label;
    this.field.title = label;
  }

  private submit(): void {
    const read = readStepNumber(this.field.value, this.steps());
    if ('error' in read) {
      this.field.invalid = true;
      this.message.textContent = read.error;
      this.message.hidden = false;
      return;
    }
    this.clear();
    announce(`Going to step ${read.step}`);
    this.go(read.step);
  }

  private clear(): void {
    this.field.invalid = false;
    this.message.textContent = '';
    this.message.hidden = true;
  }
}
