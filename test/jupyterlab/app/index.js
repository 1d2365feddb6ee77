// The harness's JupyterLab: the extensions named in package.json, started the way JupyterLab starts.
import { JupyterLab } from "@jupyterlab/application";
import { PageConfig } from "@jupyterlab/coreutils";
import { disabledPlugins, extensions, mimeExtensions } from "./build/extensions.js";

// Assets (CSS, fonts) load relative to the static URL the server put in the page config.
// eslint-disable-next-line no-undef
__webpack_public_path__ = PageConfig.getOption("fullStaticUrl") + "/";
const styles = import("./build/style.js");

/** A package's plugins, whether it exports one or a list, as ESM default or CommonJS. */
function pluginsOf(module) {
  const exported = Object.prototype.hasOwnProperty.call(module, "__esModule") ? module.default : module;
  return Array.isArray(exported) ? exported : [exported];
}

// The language-server plugins need a server extension this harness does not run; package.json's
// jupyterlab.disabledPlugins names plugins that need an extension left out (the console, the editor).
const wanted = (plugin) => !plugin.id.includes(":language-server") && !disabledPlugins.includes(plugin.id);

window.addEventListener("load", async () => {
  await styles;
  const lab = new JupyterLab({ mimeExtensions: (await Promise.all(mimeExtensions)).flatMap(pluginsOf) });
  lab.registerPlugins((await Promise.all(extensions)).flatMap(pluginsOf).filter(wanted));
  await lab.start();
  await lab.restored;
  // The tests wait for this, and drive the app through it.
  window.jupyterapp = lab;
});
