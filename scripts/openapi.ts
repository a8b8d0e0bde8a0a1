// npm run openapi: writes openapi.yaml from the route schemas (commit it; a test compares).
import { writeFile } from 'node:fs/promises'
import { generateOpenApiYaml } from './openapi-document.js'

await writeFile('openapi.yaml', await generateOpenApiYaml())
console.log('wrote openapi.yaml')
