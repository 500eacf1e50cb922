// Runs the script of a `ringdump trace --html` page against a small stand-in
// for the DOM and checks what it draws at every step: the slots filled are
// the ones between each ring's head and tail, a hand that moved carries its
// ordering rule, the title counts the steps, the buttons and the arrow keys
// step, and the ends disable their button.  (Not a browser: the layout and
// the look are not checked here.)
//   node check_trace_page.js PAGE.html
'use strict';
const fs = require('fs');
const assert = require('assert');

const page = fs.readFileSync(process.argv[2], 'utf8');
const scripts = [...page.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
assert.ok(scripts.length >= 2, 'the data and the drawing script');

function element(tag) {
	return {
		tag, attrs: {}, children: [], textContent: '', className: '', disabled: false,
		setAttribute(k, v) { this.attrs[k] = String(v); },
		appendChild(c) { this.children.push(c); },
		replaceChildren() { this.children = []; },
	};
}
const byId = {};
const listeners = {};
const document = {
	getElementById(id) { return byId[id] || (byId[id] = element(id)); },
	createElementNS(ns, tag) { assert.strictEqual(ns, 'http://www.w3.org/2000/svg'); return element(tag); },
	createElement: element,
	addEventListener(type, f) { listeners[type] = f; },
};
const run = new Function('document',
	scripts.join('\n') + '\nreturn { steps, show, at: () => at };');
const page_ = run(document);
const steps = page_.steps;
assert.ok(steps.length > 2, 'steps recorded');

for (let i = 0; i < steps.length; i++) {
	page_.show(i);
	const s = steps[i];
	const drawn = byId.rings.children;
	const used = (ring) => drawn.filter((c) => c.tag === 'circle' && c.attrs['data-ring'] === ring &&
		c.attrs.class === 'slot used').length;
	assert.strictEqual(used('SQ'), s.after.sq_tail - s.after.sq_head, `step ${i + 1}: SQ slots`);
	assert.strictEqual(used('CQ'), s.after.cq_tail - s.after.cq_head, `step ${i + 1}: CQ slots`);
	const moved = (s.after.sq_head !== s.before.sq_head) + (s.after.sq_tail !== s.before.sq_tail) +
		(s.after.cq_head !== s.before.cq_head) + (s.after.cq_tail !== s.before.cq_tail);
	const rules = drawn.filter((c) => c.attrs.class === 'hand-rule');
	assert.strictEqual(rules.length, moved, `step ${i + 1}: a rule beside each hand that moved`);
	assert.ok(byId.title.textContent.startsWith(`Step ${i + 1} of ${steps.length}: `));
	assert.strictEqual(byId.prev.disabled, i === 0);
	assert.strictEqual(byId.next.disabled, i === steps.length - 1);
}
page_.show(0);
byId.next.onclick();
assert.strictEqual(page_.at(), 1, 'Next steps forward');
listeners.keydown({ key: 'ArrowRight' });
assert.strictEqual(page_.at(), 2, 'the right arrow steps forward');
listeners.keydown({ key: 'ArrowLeft' });
assert.strictEqual(page_.at(), 1, 'the left arrow steps back');
console.log(`${process.argv[2]}: ${steps.length} steps drawn as recorded`);
